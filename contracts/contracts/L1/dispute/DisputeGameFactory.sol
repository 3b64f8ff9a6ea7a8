// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { IDisputeGame } from "../../interfaces/IDisputeGame.sol";
import { IDisputeGameFactory } from "../../interfaces/IDisputeGameFactory.sol";
import { Owned } from "../../lib/Owned.sol";

/// @title DisputeGameFactory
/// @notice Creates dispute games as EIP-1167 clones of a per-game-type implementation, charges the per-type bond,
///         keeps every game in creation order and by UUID `keccak256(abi.encode(gameType, rootClaim, extraData))`.
///         The OP Stack read surface (`gameCount`, `gameAtIndex`, `games`, `findLatestGames`) is what the portal and
///         viem's op-stack actions call. GameId = gameType << 224 | timestamp << 160 | proxy.
contract DisputeGameFactory is Owned, IDisputeGameFactory {
    string public constant version = "1.0.0";

    mapping(uint32 => IDisputeGame) public gameImpls;
    mapping(uint32 => uint256) public initBonds;
    mapping(bytes32 => bytes32) internal _disputeGames;
    bytes32[] internal _disputeGameList;

    event DisputeGameCreated(address indexed disputeProxy, uint32 indexed gameType, bytes32 indexed rootClaim);
    event ImplementationSet(address indexed impl, uint32 indexed gameType);
    event InitBondUpdated(uint32 indexed gameType, uint256 indexed newBond);

    error NoImplementation(uint32 gameType);
    error IncorrectBondAmount();
    error GameAlreadyExists(bytes32 uuid);
    error CloneFailed();

    constructor(address _owner) Owned(_owner) { }

    /// @notice Creates a game for `_rootClaim`; `msg.value` must equal `initBonds[_gameType]` and is handed to it.
    function create(uint32 _gameType, bytes32 _rootClaim, bytes calldata _extraData)
        external
        payable
        returns (IDisputeGame proxy_)
    {
        IDisputeGame impl = gameImpls[_gameType];
        if (address(impl) == address(0)) revert NoImplementation(_gameType);
        if (msg.value != initBonds[_gameType]) revert IncorrectBondAmount();
        bytes32 uuid = getGameUUID(_gameType, _rootClaim, _extraData);
        if (_disputeGames[uuid] != bytes32(0)) revert GameAlreadyExists(uuid);

        proxy_ = IDisputeGame(_clone(address(impl)));
        proxy_.initialize{ value: msg.value }(msg.sender, _rootClaim, blockhash(block.number - 1), _extraData);

        bytes32 id = _packGameId(_gameType, uint64(block.timestamp), address(proxy_));
        _disputeGames[uuid] = id;
        _disputeGameList.push(id);
        emit DisputeGameCreated(address(proxy_), _gameType, _rootClaim);
    }

    function setImplementation(uint32 _gameType, IDisputeGame _impl) external onlyOwner {
        gameImpls[_gameType] = _impl;
        emit ImplementationSet(address(_impl), _gameType);
    }

    function setInitBond(uint32 _gameType, uint256 _initBond) external onlyOwner {
        initBonds[_gameType] = _initBond;
        emit InitBondUpdated(_gameType, _initBond);
    }

    function gameCount() external view returns (uint256) {
        return _disputeGameList.length;
    }

    function gameAtIndex(uint256 _index)
        external
        view
        returns (uint32 gameType_, uint64 timestamp_, IDisputeGame proxy_)
    {
        (gameType_, timestamp_, proxy_) = _unpackGameId(_disputeGameList[_index]);
    }

    function games(uint32 _gameType, bytes32 _rootClaim, bytes calldata _extraData)
        external
        view
        returns (IDisputeGame proxy_, uint64 timestamp_)
    {
        (, timestamp_, proxy_) = _unpackGameId(_disputeGames[getGameUUID(_gameType, _rootClaim, _extraData)]);
    }

    function getGameUUID(uint32 _gameType, bytes32 _rootClaim, bytes calldata _extraData)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(_gameType, _rootClaim, _extraData));
    }

    /// @notice Up to `_n` games of `_gameType`, newest first, scanning indexes `_start` down to 0.
    function findLatestGames(uint32 _gameType, uint256 _start, uint256 _n)
        external
        view
        returns (GameSearchResult[] memory games_)
    {
        if (_start >= _disputeGameList.length || _n == 0) return games_;
        games_ = new GameSearchResult[](_n);
        uint256 found = 0;
        for (uint256 i = _start + 1; i > 0 && found < _n; i--) {
            bytes32 id = _disputeGameList[i - 1];
            (uint32 gameType, uint64 timestamp, IDisputeGame proxy) = _unpackGameId(id);
            if (gameType != _gameType) continue;
            games_[found] = GameSearchResult({
                index: i - 1,
                metadata: id,
                timestamp: timestamp,
                rootClaim: proxy.rootClaim(),
                extraData: proxy.extraData()
            });
            found++;
        }
        assembly {
            mstore(games_, found)
        }
    }

    function _packGameId(uint32 _gameType, uint64 _timestamp, address _proxy) internal pure returns (bytes32) {
        return bytes32((uint256(_gameType) << 224) | (uint256(_timestamp) << 160) | uint256(uint160(_proxy)));
    }

    function _unpackGameId(bytes32 _id) internal pure returns (uint32 gameType_, uint64 timestamp_, IDisputeGame proxy_) {
        gameType_ = uint32(uint256(_id) >> 224);
        timestamp_ = uint64(uint256(_id) >> 160);
        proxy_ = IDisputeGame(address(uint160(uint256(_id))));
    }

    /// @notice EIP-1167 minimal proxy of `_impl`.
    function _clone(address _impl) internal returns (address instance_) {
        bytes memory initCode =
            abi.encodePacked(hex"3d602d80600a3d3981f3363d3d373d3d3d363d73", _impl, hex"5af43d82803e903d91602b57fd5bf3");
        assembly {
            instance_ := create(0, add(initCode, 32), mload(initCode))
        }
        if (instance_ == address(0)) revert CloneFailed();
    }
}
