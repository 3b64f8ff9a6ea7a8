// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import { GameStatus, IDisputeGame } from "../../interfaces/IDisputeGame.sol";
import { IOutputVerifier } from "../../interfaces/IOutputVerifier.sol";

/// @title MachOutputGame
/// @notice Mach's dispute game: the root claim is the L2 output root of block `l2SequenceNumber()`
///         (`extraData = abi.encode(uint256 l2BlockNumber)`, as op-proposer sends it).
///
///         Lifecycle of one clone:
///         - `attest(proof)`: the verifier (a prover quorum today) vouches for the root claim.
///         - `challenge()` (with `challengeBond`, until `createdAt + challengeWindowSeconds`): opens the one challenge
///           slot. Within `challengeResponseSeconds` someone must back it with a verified attestation of a
///           *different* output root for the same block (`proveChallenge`), which resolves the game
///           `CHALLENGER_WINS` at once (the claim is then invalid for the portal) and pays the challenger both bonds.
///           Otherwise the challenge expires and its bond goes to the game creator.
///         - `resolve()`: `DEFENDER_WINS` once attested, past the challenge window, and with no live challenge; the
///           creator's bond is returned.
///         Bonds are paid out through `credit` / `claimCredit` (pull payments).
contract MachOutputGame is IDisputeGame {
    string public constant version = "1.0.0";

    uint32 internal immutable GAME_TYPE;
    address public immutable factory;
    IOutputVerifier public immutable verifier;
    uint256 public immutable l2ChainId;
    /// @notice The only account allowed to create games of this type; zero means anyone.
    address public immutable proposer;
    uint64 public immutable challengeWindowSeconds;
    uint64 public immutable challengeResponseSeconds;
    uint256 public immutable challengeBond;

    bool internal _initialized;
    GameStatus public status;
    uint64 public createdAt;
    uint64 public resolvedAt;
    uint64 public attestedAt;
    address public gameCreator;
    bytes32 public rootClaim;
    bytes32 public l1Head;
    uint256 public l2BlockNumber;
    uint256 public creatorBond;
    address public challenger;
    uint64 public challengedAt;
    bool public challengeExpired;
    bytes32 public conflictingOutputRoot;
    mapping(address => uint256) public credit;

    event Attested(bytes32 indexed outputRoot);
    event Challenged(address indexed challenger);
    event ChallengeSucceeded(address indexed challenger, bytes32 conflictingOutputRoot);
    event ChallengeExpired(address indexed challenger);
    event CreditClaimed(address indexed recipient, uint256 amount);

    error AlreadyInitialized();
    error NotFactory();
    error BadProposer(address creator);
    error BadExtraData();
    error GameNotInProgress();
    error AlreadyAttested();
    error InvalidAttestation();
    error IncorrectBondAmount();
    error AlreadyChallenged();
    error NoChallenge();
    error ChallengeWindowClosed();
    error ChallengeResponseClosed();
    error SameOutputRoot();
    error ChallengePending();
    error NotAttested();
    error ChallengeWindowOpen();
    error NoCredit();
    error TransferFailed();

    constructor(
        uint32 _gameType,
        address _factory,
        IOutputVerifier _verifier,
        uint256 _l2ChainId,
        address _proposer,
        uint64 _challengeWindowSeconds,
        uint64 _challengeResponseSeconds,
        uint256 _challengeBond
    ) {
        GAME_TYPE = _gameType;
        factory = _factory;
        verifier = _verifier;
        l2ChainId = _l2ChainId;
        proposer = _proposer;
        challengeWindowSeconds = _challengeWindowSeconds;
        challengeResponseSeconds = _challengeResponseSeconds;
        challengeBond = _challengeBond;
        // The implementation itself is never a game.
        _initialized = true;
    }

    /// @inheritdoc IDisputeGame
    function initialize(address _creator, bytes32 _rootClaim, bytes32 _l1Head, bytes calldata _extraData)
        external
        payable
    {
        if (_initialized) revert AlreadyInitialized();
        if (msg.sender != factory) revert NotFactory();
        if (proposer != address(0) && _creator != proposer) revert BadProposer(_creator);
        if (_extraData.length != 32) revert BadExtraData();
        _initialized = true;
        gameCreator = _creator;
        rootClaim = _rootClaim;
        l1Head = _l1Head;
        l2BlockNumber = abi.decode(_extraData, (uint256));
        createdAt = uint64(block.timestamp);
        creatorBond = msg.value;
    }

    /// @notice Records that the verifier accepts the root claim (e.g. a quorum of prover signatures).
    function attest(bytes calldata _proof) external {
        if (status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (attestedAt != 0) revert AlreadyAttested();
        if (!verifier.verifyOutput(l2ChainId, l2BlockNumber, rootClaim, _proof)) revert InvalidAttestation();
        attestedAt = uint64(block.timestamp);
        emit Attested(rootClaim);
    }

    /// @notice Opens the challenge of the root claim; needs `challengeBond`.
    function challenge() external payable {
        if (status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (msg.value != challengeBond) revert IncorrectBondAmount();
        if (challenger != address(0)) revert AlreadyChallenged();
        if (block.timestamp > createdAt + challengeWindowSeconds) revert ChallengeWindowClosed();
        challenger = msg.sender;
        challengedAt = uint64(block.timestamp);
        emit Challenged(msg.sender);
    }

    /// @notice Backs the open challenge with a verified attestation of another output root for the same block.
    function proveChallenge(bytes32 _conflictingOutputRoot, bytes calldata _proof) external {
        if (status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (challenger == address(0)) revert NoChallenge();
        if (block.timestamp > challengedAt + challengeResponseSeconds) revert ChallengeResponseClosed();
        if (_conflictingOutputRoot == rootClaim) revert SameOutputRoot();
        if (!verifier.verifyOutput(l2ChainId, l2BlockNumber, _conflictingOutputRoot, _proof)) {
            revert InvalidAttestation();
        }
        conflictingOutputRoot = _conflictingOutputRoot;
        status = GameStatus.CHALLENGER_WINS;
        resolvedAt = uint64(block.timestamp);
        credit[challenger] += challengeBond + creatorBond;
        emit ChallengeSucceeded(challenger, _conflictingOutputRoot);
        emit Resolved(GameStatus.CHALLENGER_WINS);
    }

    /// @inheritdoc IDisputeGame
    function resolve() external returns (GameStatus) {
        if (status != GameStatus.IN_PROGRESS) revert GameNotInProgress();
        if (challenger != address(0) && !challengeExpired) {
            if (block.timestamp <= challengedAt + challengeResponseSeconds) revert ChallengePending();
            challengeExpired = true;
            credit[gameCreator] += challengeBond;
            emit ChallengeExpired(challenger);
        }
        if (attestedAt == 0) revert NotAttested();
        if (block.timestamp <= createdAt + challengeWindowSeconds) revert ChallengeWindowOpen();
        status = GameStatus.DEFENDER_WINS;
        resolvedAt = uint64(block.timestamp);
        credit[gameCreator] += creatorBond;
        emit Resolved(GameStatus.DEFENDER_WINS);
        return GameStatus.DEFENDER_WINS;
    }

    /// @notice Pays out the bonds credited to `_recipient`.
    function claimCredit(address _recipient) external {
        uint256 amount = credit[_recipient];
        if (amount == 0) revert NoCredit();
        credit[_recipient] = 0;
        (bool success,) = _recipient.call{ value: amount }("");
        if (!success) revert TransferFailed();
        emit CreditClaimed(_recipient, amount);
    }

    function gameType() external view returns (uint32) {
        return GAME_TYPE;
    }

    function l2SequenceNumber() external view returns (uint256) {
        return l2BlockNumber;
    }

    function extraData() public view returns (bytes memory) {
        return abi.encode(l2BlockNumber);
    }

    function gameData() external view returns (uint32 gameType_, bytes32 rootClaim_, bytes memory extraData_) {
        return (GAME_TYPE, rootClaim, extraData());
    }
}
