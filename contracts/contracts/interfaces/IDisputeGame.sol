// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Outcome of a dispute game, with the OP Stack numbering (viem and op tooling read it).
enum GameStatus {
    IN_PROGRESS,
    CHALLENGER_WINS,
    DEFENDER_WINS
}

/// @notice What the factory and the portal need from a game (OP Stack `IDisputeGame` subset, plus Mach's init).
interface IDisputeGame {
    event Resolved(GameStatus indexed status);

    /// @notice Called once by the factory on a fresh clone, forwarding the creator's bond.
    function initialize(address _creator, bytes32 _rootClaim, bytes32 _l1Head, bytes calldata _extraData)
        external
        payable;

    function createdAt() external view returns (uint64);
    function resolvedAt() external view returns (uint64);
    function status() external view returns (GameStatus);
    function gameType() external view returns (uint32);
    function gameCreator() external view returns (address);
    function rootClaim() external view returns (bytes32);
    function l1Head() external view returns (bytes32);
    function extraData() external view returns (bytes memory);
    /// @notice The L2 block number the root claim is the output root of.
    function l2SequenceNumber() external view returns (uint256);
    function gameData() external view returns (uint32 gameType_, bytes32 rootClaim_, bytes memory extraData_);
    function resolve() external returns (GameStatus);
}
